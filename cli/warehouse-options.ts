/** --config and --warehouse: which warehouse a command reads (the configuration's, or a file named). */
export const CONFIG_OPTION = [
  "--config <file>",
  "configuration; the warehouse is <dataDir>/warehouse/warehouse.duckdb",
  "./yardstick.yaml",
] as const;
export const WAREHOUSE_OPTION = [
  "--warehouse <file>",
  "warehouse file to read instead of the one the configuration names",
] as const;
