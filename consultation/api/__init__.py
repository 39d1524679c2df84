"""The consultation API: public reads, citizens' comments, and the publishers' workflow, one module each."""
