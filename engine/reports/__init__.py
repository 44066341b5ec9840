"""What a command reports beside the evaluation: audit, diff, the LKjIP and kamus tables, PK validation."""
