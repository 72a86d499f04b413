// Estimators module.
