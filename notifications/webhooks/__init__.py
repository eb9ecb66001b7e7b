"""Signed webhooks (Standard Webhooks) and chat messages (Slack, Teams) to customers' own endpoints."""
