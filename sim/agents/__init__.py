"""Agents: craft firms, households and transfer institutions."""
