import HPO
