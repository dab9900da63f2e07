"""Settings split as in bakerydemo: base, dev, production, test."""
