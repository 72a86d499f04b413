// ImageIO module.
