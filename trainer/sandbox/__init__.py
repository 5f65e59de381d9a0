"""The sandbox console: a small shell with kubectl, curl, node shells and the aws CLI over the engine."""
