"""The OData subset Sage 200 accepts: $filter parsing/evaluation and the other query options."""
