"""Vega-Lite chart specifications, made once for the page, the PDF and the PowerPoint."""
