"""configgen: one project file -> consistent, checked LiteLLM + Azure OpenAI configuration."""

__version__ = "0.1.0"
