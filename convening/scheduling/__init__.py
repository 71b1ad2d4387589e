"""Breakout workshops: sign-up, waiting lists, the optimal assignment and automatic timetabling."""
