// `cargo leptos end-to-end` starts the server and the tests at once: wait until it answers.
const baseURL = process.env.CTC_E2E_BASE_URL ?? "http://127.0.0.1:3000";

export default async function globalSetup(): Promise<void> {
  const deadline = Date.now() + 120_000;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseURL}/health/ready`);
      if (response.ok) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the console at ${baseURL} did not become ready in 120 s (${last})`);
}
