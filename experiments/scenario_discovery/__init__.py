"""Scenario discovery: under which scenario drivers and behavioural ranges does rural real value
added fall below a threshold, and does a lever stop paying off? (PRIM; README.md)"""
