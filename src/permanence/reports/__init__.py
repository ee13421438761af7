"""The Champions' Group report pack: PDF, PowerPoint and the data behind every chart."""
