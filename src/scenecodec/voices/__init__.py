"""Model voices: register texts written by a language model, one LoRA adapter per voice."""
