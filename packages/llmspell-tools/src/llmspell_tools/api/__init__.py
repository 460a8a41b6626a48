"""API tools: HTTP requests, API tests, webhooks, GraphQL and the GitHub REST API."""
