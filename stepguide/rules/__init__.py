"""The rules: data tables read strictly, the inputs, the decisions and the words. No widgets, no HTML."""
