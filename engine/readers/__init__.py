"""Reading the inputs a user names: data, workbooks and their mappings, PK agreements, published figures."""
