"""Media tools: images, audio and video, read and written inside the allowed roots."""
