# src/frontend
