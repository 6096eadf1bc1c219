"""Communities: one per product or product line, with their staff and product-team roles."""
