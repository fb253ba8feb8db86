/** The CloudFormation template in deploy/ must make the table the code expects, so the two cannot drift. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createTableInput, TTL_ATTRIBUTE } from "../../../src/store/dynamodb/table-definition.js";

interface TableProperties {
  BillingMode: string;
  AttributeDefinitions: unknown[];
  KeySchema: unknown[];
  GlobalSecondaryIndexes: unknown[];
  TimeToLiveSpecification: { AttributeName: string; Enabled: boolean };
}

const template = JSON.parse(readFileSync(new URL("../../../deploy/checkout-sessions.cloudformation.json", import.meta.url), "utf8")) as {
  Parameters: { TableName: { Default: string } };
  Resources: Record<string, { Type: string; Properties: TableProperties }>;
};

describe("deploy/checkout-sessions.cloudformation.json", () => {
  const tables = Object.values(template.Resources).filter((resource) => resource.Type === "AWS::DynamoDB::Table");
  const properties = tables[0]?.Properties;

  it("defines one table named by default as the service expects", () => {
    expect(tables).toHaveLength(1);
    expect(template.Parameters.TableName.Default).toBe("checkout-sessions");
  });

  it("has the keys, attributes, index and billing of the table definition", () => {
    const expected = createTableInput("checkout-sessions");
    expect(properties?.BillingMode).toBe(expected.BillingMode);
    expect(properties?.KeySchema).toEqual(expected.KeySchema);
    expect(properties?.AttributeDefinitions).toEqual(expected.AttributeDefinitions);
    expect(properties?.GlobalSecondaryIndexes).toEqual(expected.GlobalSecondaryIndexes);
  });

  it("turns TTL on for the attribute the code writes expiry to", () => {
    expect(properties?.TimeToLiveSpecification).toEqual({ AttributeName: TTL_ATTRIBUTE, Enabled: true });
  });
});
