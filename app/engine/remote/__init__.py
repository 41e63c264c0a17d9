"""Remote engines: a llama.cpp, vLLM, SGLang, Ollama, LM Studio or OpenAI-compatible server
driven over HTTP with the same thinking controls as the local engine (see engine.py)."""
