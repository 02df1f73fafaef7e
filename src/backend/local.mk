# src/backend
