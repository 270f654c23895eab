"""Reading and writing scenarios: the format (schema), raw sheets, validation, plans, templates."""
