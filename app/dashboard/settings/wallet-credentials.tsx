import { Alert, Badge, Card } from "@/components/ui";
import { appleCredentialReport } from "@/wallet/apple/credentials";

/** The Apple Wallet credential check (wallet/apple/credentials.ts), as the settings page shows it. */
export function WalletCredentials() {
  const report = appleCredentialReport();
  return (
    <Card className="mt-6">
      <h2 className="mb-2 flex items-center gap-2 font-semibold">
        Apple Wallet certificate{" "}
        {report === null ? <Badge>not configured</Badge> : report.status === "ok" ? <Badge tone="green">ok</Badge> : report.status === "warning" ? <Badge tone="amber">check</Badge> : <Badge tone="red">broken</Badge>}
      </h2>
      {report === null ? (
        <p className="text-sm text-gray-600">Apple Wallet passes are off on this server.</p>
      ) : (
        <div className="space-y-2 text-sm" data-testid="apple-credentials">
          {report.expiresAt ? <p className="text-gray-700">Valid until {report.expiresAt.toISOString().slice(0, 10)}.</p> : null}
          {report.errors.map((e) => (
            <Alert key={e}>{e}</Alert>
          ))}
          {report.warnings.map((w) => (
            <Alert key={w} tone="info">
              {w}
            </Alert>
          ))}
        </div>
      )}
    </Card>
  );
}

/** A banner over every dashboard page while the certificate expires within 30 days, or the credentials are broken. */
export function WalletCredentialsBanner() {
  const report = appleCredentialReport();
  if (!report || report.status === "ok") return null;
  const daysLeft = report.expiresAt ? Math.ceil((report.expiresAt.getTime() - report.checkedAt.getTime()) / 86_400_000) : null;
  let text: string;
  if (daysLeft !== null && daysLeft <= 0) text = "The Apple Wallet certificate has expired: passes no longer install or update.";
  else if (report.status === "error") text = "The Apple Wallet credentials do not fit together: passes will not install or update.";
  else if (daysLeft !== null && daysLeft <= 30) text = `The Apple Wallet certificate expires in ${daysLeft} day${daysLeft === 1 ? "" : "s"}: renew it before then, or passes stop installing and updating.`;
  else return null;
  return (
    <div role="alert" className="mb-4 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900" data-testid="wallet-credentials-banner">
      {text}{" "}
      <a href="/dashboard/settings" className="underline">
        Details
      </a>
    </div>
  );
}
