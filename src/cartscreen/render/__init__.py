"""Renderers: results in, text out. They never see a patient's raw file."""
