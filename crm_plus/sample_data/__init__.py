"""Sample data: the demo (`bench crm-plus-demo`) and the benchmark generator (`bench crm-plus-generate`)."""
