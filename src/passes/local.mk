# src/passes
