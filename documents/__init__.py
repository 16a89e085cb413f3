"""The guide's Werkzeugbox as living documents: filled from an alliance's events, as of any date,
printed as PDF (WeasyPrint) and editable as DOCX (python-docx); and the spreadsheets of exports."""
