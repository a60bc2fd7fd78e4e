"""Risk-of-bias tools as data (domains, judgements) and their algorithms."""
