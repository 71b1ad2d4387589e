"""The printable agenda as PDF."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from werkzeug.wrappers import Response

from convening.convenings.services import by_slug
from convening.program import pdf

bp = Blueprint("agenda_print", __name__)


@bp.get("/c/<slug:slug>/agenda.pdf")
def agenda_pdf(slug: str) -> Response | tuple[str, int]:
    """?paper=letter (the default) or ?paper=a4; shown inline, so browsers open their PDF viewer."""
    convening = by_slug(slug) or abort(404)
    paper = request.args.get("paper", pdf.DEFAULT_PAPER).strip().lower()
    if paper not in pdf.PAPER_SIZES:
        page = render_template("program/print/bad_paper.html", convening=convening)
        return page, 400
    printed = pdf.agenda_pdf(convening, paper)
    response = Response(printed.data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{convening.slug}-agenda-{paper}.pdf"'
    # Browsers ask again each time; an unchanged program answers 304 from the ETag.
    response.headers["Cache-Control"] = "no-cache"
    response.set_etag(printed.fingerprint)
    return response.make_conditional(request)
