"""kubectl for the sandbox: verbs, printers, describe, JSONPath and explain, over the engine."""
