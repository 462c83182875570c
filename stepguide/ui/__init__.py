"""What a person sees: the model, controls, views, HTML rendering and widgets (their ES modules in static/)."""
