print("hpotop")
