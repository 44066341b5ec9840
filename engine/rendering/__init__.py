"""Words and output: the trace in sentences, terminal tables, files written."""
