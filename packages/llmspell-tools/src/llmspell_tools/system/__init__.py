"""System tools: environment, processes, service checks and host metrics."""
