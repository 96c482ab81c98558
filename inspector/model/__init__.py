"""Pure values every package shares: checklists and topics, periods, labels, text, errors."""
