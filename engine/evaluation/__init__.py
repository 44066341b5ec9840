"""The evaluation: field values over periods and offices, the declared rules, the means, the bulk path."""
