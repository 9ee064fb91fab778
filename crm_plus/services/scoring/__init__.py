"""Value and churn-risk scoring, set-based: the run and its jobs (`pipeline`), then its four steps:
`aggregate`, `statistics`, `chunks` and `customers`."""
