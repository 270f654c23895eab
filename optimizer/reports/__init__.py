"""What a run produces: tables, workbooks, CSV, JSON, HTML and figures."""
