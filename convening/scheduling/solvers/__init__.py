"""Breakout solvers on plain data: no Flask, no database, so they run and are tested on their own."""
