"""The verification service: requests, checking, the worker pool, HTTP and OpenAPI."""
