"""The children list and a child's journey: the pages that bring together a child's
records, their aims' clocks and what review planning has worked out for them."""
