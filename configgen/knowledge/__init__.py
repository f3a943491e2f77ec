"""What configgen knows about Azure OpenAI and LiteLLM: facts with their sources and dates, as package data."""
