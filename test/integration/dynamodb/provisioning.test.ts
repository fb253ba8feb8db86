/** npm run table:create's logic and the start-up check, against dynalite. */
import { CreateTableCommand, DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provisionTable } from "../../../src/store/dynamodb/provision-table.js";
import { createTableInput, STATUS_INDEX } from "../../../src/store/dynamodb/table-definition.js";
import { verifyTable } from "../../../src/store/dynamodb/verify-table.js";
import { startDynalite, type LocalDynamo } from "../../helpers/dynalite.js";

describe("table provisioning and the start-up check", () => {
  let dynamo: LocalDynamo;
  const signal = new AbortController().signal;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });

  afterAll(async () => {
    await dynamo.close();
  });

  it("creates the table and index, warns that dynalite has no UpdateTimeToLive, and is idempotent", async () => {
    const warnings: string[] = [];
    const first = await provisionTable(dynamo.client, "provisioned", 8, (w) => warnings.push(w));
    expect(first.created).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^UpdateTimeToLive failed/);
    const second = await provisionTable(dynamo.client, "provisioned", 8, () => undefined);
    expect(second.created).toBe(false);
    const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: "provisioned" }));
    expect(Table?.GlobalSecondaryIndexes?.[0]?.IndexName).toBe(STATUS_INDEX);
    await expect(verifyTable(dynamo.client, "provisioned", 8, signal)).resolves.toBeUndefined();
  });

  it("refuses to start on a missing table, naming it and how to create it", async () => {
    await expect(verifyTable(dynamo.client, "absent", 8, signal)).rejects.toThrow(
      "DynamoDB table absent does not exist; create it with npm run table:create or the template in deploy/",
    );
  });

  it("refuses to start on a table without the status index", async () => {
    const { GlobalSecondaryIndexes: _, AttributeDefinitions, ...withoutIndex } = createTableInput("no-index");
    await dynamo.client.send(
      new CreateTableCommand({ ...withoutIndex, AttributeDefinitions: AttributeDefinitions?.filter((a) => a.AttributeName === "id") }),
    );
    await expect(verifyTable(dynamo.client, "no-index", 8, signal)).rejects.toThrow(/attribute statusShard is not of type S; .*has no global secondary index status-expiry-index/);
  });

  it("refuses to start with another shard count than the table was made with", async () => {
    await provisionTable(dynamo.client, "sharded", 8, () => undefined);
    await expect(verifyTable(dynamo.client, "sharded", 16, signal)).rejects.toThrow(
      "table sharded was created with 8 status shards, but DYNAMODB_STATUS_SHARDS is 16; the shard count is fixed for a table's life",
    );
  });
});
