"""Reading input files safely: size limits, safe YAML with line numbers, errors that name the file and field."""
