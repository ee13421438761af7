"""Review planning: every meeting planned from the day a child is accommodated, the due
and overdue lists, the aim deadlines, the daily alerts and the calendar feeds."""
