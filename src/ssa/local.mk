# src/ssa
