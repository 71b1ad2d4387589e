"""Imported once by the badge render pool's fork server: every worker forked from it starts warm."""

from convening.badges.render import warm_up

warm_up()
