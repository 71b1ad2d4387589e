"""Sign-in, password and staff account forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectChoice, SelectField
from wtforms.validators import DataRequired, Length

from convening.accounts.models import StaffRole
from convening.forms import LineField, email_address

ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in StaffRole]


class LoginForm(FlaskForm):
    email = LineField("Email", max_length=254, validators=[DataRequired("Enter your email address.")])
    password = PasswordField(
        "Password", validators=[DataRequired("Enter your password."), Length(max=256, message="Too long.")]
    )


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired("Enter your current password.")])
    new = PasswordField("New password", validators=[DataRequired("Choose a new password.")])


class NewStaffUserForm(FlaskForm):
    name = LineField("Name", max_length=150, validators=[DataRequired("Enter their name.")])
    email = LineField(
        "Email", max_length=254, validators=[DataRequired("Enter their email address."), email_address]
    )
    role = SelectField("Role", choices=ROLE_CHOICES, default=StaffRole.STAFF.value)
    password = PasswordField("First password", validators=[DataRequired("Choose a first password for them.")])


class StaffUserForm(FlaskForm):
    name = LineField("Name", max_length=150, validators=[DataRequired("Enter their name.")])
    role = SelectField("Role", choices=ROLE_CHOICES)
    active = BooleanField("Can sign in")


class PasswordResetForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired("Choose a new password for them.")])
