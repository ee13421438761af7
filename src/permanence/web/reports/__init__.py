"""The Champions' Group report pack: one button that makes the PDF, the slides and the
spreadsheet of the data behind every chart, for the signed-in person's authority."""
